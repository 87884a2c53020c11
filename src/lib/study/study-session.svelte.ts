/**
 * Self-study state in the browser: where the student is, the answers they gave and their
 * reflections, mirrored to localStorage on every change. The rules live in the pure modules
 * (`progress.ts`, `reflections.ts`, `../scoring.ts`); this class only holds snapshots and saves.
 *
 * Open it in an `$effect` (it reads the device's storage and follows other tabs) and call the
 * returned function in the effect's cleanup.
 */
import { createContext } from 'svelte';
import type { LoadedQuestion } from '../kit/types';
import { grade, type Grade, type Response } from '../scoring';
import {
	emptyProgress,
	moveTo,
	parseProgress,
	recordAnswer,
	serializeProgress,
	tally,
	type StoredAnswer,
	type StudyProgress
} from './progress';
import {
	emptyReflection,
	emptyReflections,
	parseReflections,
	serializeReflections,
	setReflection,
	type Reflection,
	type Reflections
} from './reflections';
import { buildSteps, type Step } from './steps';
import { readStored, removeStored, storageKeys, writeStored } from './storage';
import type { StudyKit } from './study-kit';

export class StudySession {
	readonly slug: string;
	readonly questions: LoadedQuestion[];
	readonly steps: Step[];

	progress = $state.raw<StudyProgress>(emptyProgress());
	reflections = $state.raw<Reflections>(emptyReflections());
	/** False until the device's storage has been read (always false during SSR). */
	ready = $state(false);
	/** False when the browser refused to store the last change (private mode, quota). */
	stored = $state(true);

	readonly tally = $derived.by(() => tally(this.progress, this.questions));
	/** Step index; `steps.length` is the summary screen. */
	readonly current = $derived(this.progress.current);
	readonly step = $derived.by((): Step | null => this.steps[this.progress.current] ?? null);

	constructor(kit: StudyKit) {
		this.slug = kit.slug;
		this.questions = kit.questions;
		this.steps = buildSteps(kit.questions, kit.polls);
	}

	open(): () => void {
		const keys = [storageKeys.progress(this.slug), storageKeys.reflections(this.slug)];
		const load = () => {
			this.progress = parseProgress(
				readStored(keys[0] as string),
				this.questions,
				this.steps.length
			);
			this.reflections = parseReflections(readStored(keys[1] as string));
		};
		load();
		this.ready = true;
		// Another tab of the same kit replaces our snapshot; we never merge.
		const onStorage = (e: StorageEvent) => {
			if (e.key === null || keys.includes(e.key)) load();
		};
		addEventListener('storage', onStorage);
		return () => removeEventListener('storage', onStorage);
	}

	answerOf(id: string): StoredAnswer | null {
		return this.progress.answers[id] ?? null;
	}

	gradeOf(id: string): Grade | null {
		const q = this.questions.find((x) => x.id === id);
		const a = this.progress.answers[id];
		return q && a ? grade(q, a.response) : null;
	}

	/** Records an answer and returns its grade. */
	answer(question: LoadedQuestion, response: Response, now: number): Grade {
		this.#saveProgress(recordAnswer(this.progress, question.id, response, now));
		return grade(question, response);
	}

	go(index: number): void {
		this.#saveProgress(moveTo(this.progress, index, this.steps.length));
	}

	/** Clears the answers and goes back to the first step; reflections stay. */
	restart(): void {
		removeStored(storageKeys.progress(this.slug));
		this.progress = emptyProgress();
	}

	reflectionOf(id: string): Reflection {
		return this.reflections.items[id] ?? emptyReflection();
	}

	reflect(id: string, patch: Partial<Reflection>): void {
		this.reflections = setReflection(this.reflections, id, patch);
		this.stored = writeStored(
			storageKeys.reflections(this.slug),
			serializeReflections(this.reflections)
		);
	}

	#saveProgress(next: StudyProgress): void {
		if (next === this.progress) return;
		this.progress = next;
		this.stored = writeStored(storageKeys.progress(this.slug), serializeProgress(next));
	}
}

export const [getStudySession, setStudySession] = createContext<StudySession>();
