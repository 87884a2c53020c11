/**
 * One kit being written in the browser: the front matter, the reading's body and the kit, as
 * the files hold them, plus the reading's blocks (rendered by the server) that quotes are matched
 * against. Forms change it through `set`, `add`, `move` and `remove`; the live checks are derived.
 *
 * Invariants: every field is `$state.raw` and replaced, never mutated; `focus` is the quote field
 * (an evidence quote or a glossary match) that text selected in the reading goes to.
 */
import { createContext } from 'svelte';
import { LineCounter, parseDocument } from 'yaml';
import { tidyYaml } from '$lib/kit/tidy';
import type { PollType, QuestionType } from '$lib/kit/schema';
import type { QuoteTarget } from '$lib/kit/quotes';
import {
	blankPoll,
	blankQuestion,
	check,
	getIn,
	idFromPrompt,
	moveIn,
	pathKey,
	pushIn,
	removeIn,
	setIn,
	slugFromTitle,
	type Data,
	type Path
} from './model';

export interface ReadingBlock {
	anchor: string;
	label: string;
	/** Sanitized by the server. */
	html: string;
}

export interface Diagnostic {
	file: 'reading.md' | 'kit.yaml' | null;
	line: number;
	message: string;
}

export interface Draft {
	slug: string;
	isNew: boolean;
	meta: Data;
	body: string;
	kit: Data;
	/** The kit.yaml text the kit is written over (keeps the teacher's comments); '' for a new kit. */
	kitSource?: string;
}

export class KitEditor {
	slug = $state.raw('');
	/** Not saved yet: its name must not be taken. */
	isNew = $state.raw(false);
	meta = $state.raw<Data>({});
	body = $state.raw('');
	kit = $state.raw<Data>({});
	kitSource = $state.raw('');
	targets = $state.raw<QuoteTarget[]>([]);
	blocks = $state.raw<ReadingBlock[]>([]);
	focus = $state.raw<Path | null>(null);
	/** What the server's loader said at the last save. */
	diagnostics = $state.raw<Diagnostic[]>([]);
	/** Changed since the last save. */
	dirty = $state.raw(false);
	/** Whether the slug still follows the title (a new kit, until the teacher edits it). */
	#slugFollowsTitle: boolean;

	readonly problems = $derived.by(() => check(this.meta, this.kit, this.targets));

	constructor(draft: Draft) {
		this.slug = draft.slug;
		this.isNew = draft.isNew;
		this.meta = draft.meta;
		this.body = draft.body;
		this.kit = draft.kit;
		this.kitSource = draft.kitSource ?? '';
		this.#slugFollowsTitle = draft.isNew && !draft.slug;
	}

	/** Problems of one field, in plain words. */
	problemsAt(path: Path): string[] {
		return this.problems.get(pathKey(path)) ?? [];
	}

	get(path: Path): unknown {
		if (path[0] === 'meta') return getIn(this.meta, path.slice(1));
		return getIn(this.kit, path);
	}

	/** Sets a value: `['meta', …]` in the front matter, anything else in the kit. */
	set(path: Path, value: unknown): void {
		if (path[0] === 'meta') {
			this.meta = setIn(this.meta, path.slice(1), value);
			if (path[1] === 'title' && this.#slugFollowsTitle) this.slug = slugFromTitle(String(value));
		} else this.kit = setIn(this.kit, path, value);
		this.dirty = true;
	}

	setSlug(slug: string): void {
		this.slug = slug;
		this.#slugFollowsTitle = false;
		this.dirty = true;
	}

	setBody(body: string): void {
		this.body = body;
		this.dirty = true;
	}

	/**
	 * An item's prompt; its id follows the prompt while it is still the one made from the old
	 * prompt (an id the teacher typed stays).
	 */
	setPrompt(item: Path, prompt: string): void {
		const old = this.get([...item, 'prompt']);
		const id = this.get([...item, 'id']);
		const base = idFromPrompt(String(old ?? ''), {}, item);
		const follows = typeof id !== 'string' || id === base || new RegExp(`^${base}-\\d+$`).test(id);
		this.set([...item, 'prompt'], prompt);
		if (follows) this.set([...item, 'id'], idFromPrompt(prompt, this.kit, item));
	}

	add(list: Path, entry: unknown): void {
		if (list[0] === 'meta') this.meta = pushIn(this.meta, list.slice(1), entry);
		else this.kit = pushIn(this.kit, list, entry);
		this.dirty = true;
	}

	remove(list: Path, i: number): void {
		if (list[0] === 'meta') this.meta = removeIn(this.meta, list.slice(1), i);
		else this.kit = removeIn(this.kit, list, i);
		this.focus = null;
		this.dirty = true;
	}

	move(list: Path, i: number, delta: number): void {
		if (list[0] === 'meta') this.meta = moveIn(this.meta, list.slice(1), i, delta);
		else this.kit = moveIn(this.kit, list, i, delta);
		this.dirty = true;
	}

	addQuestion(type: QuestionType): number {
		const at = ((this.kit.questions as unknown[] | undefined) ?? []).length;
		this.add(['questions'], blankQuestion(type, idFromPrompt('', this.kit, ['questions', at])));
		this.focus = ['questions', at, 'evidence', 0];
		return at;
	}

	addPoll(type: PollType): number {
		const at = ((this.kit.polls as unknown[] | undefined) ?? []).length;
		this.add(['polls'], blankPoll(type, idFromPrompt('', this.kit, ['polls', at])));
		return at;
	}

	/** Text selected in the reading, into the quote field in focus. False when none is. */
	pick(quote: string): boolean {
		if (!this.focus || !quote) return false;
		this.set(this.focus, quote);
		return true;
	}

	draft(): Draft {
		return {
			slug: this.slug,
			isNew: this.isNew,
			meta: this.meta,
			body: this.body,
			kit: this.kit,
			kitSource: this.kitSource
		};
	}

	/** kit.yaml as it will be saved: the form's kit written over the teacher's text. */
	yaml(): string {
		return tidyYaml(this.kitSource, this.kit);
	}

	/**
	 * kit.yaml typed in the raw tab: when it parses, it becomes the kit (and the text the form's
	 * edits are written over). Returns the parser's problems by line; the kit stays as it was then.
	 */
	setYaml(text: string): { line: number; message: string }[] {
		const lines = new LineCounter();
		const doc = parseDocument(text, { lineCounter: lines });
		if (doc.errors.length)
			return doc.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, message: e.message }));
		const data: unknown = doc.toJS();
		if (!data || typeof data !== 'object' || Array.isArray(data))
			return [{ line: 1, message: 'kit.yaml must be fields (summary:, questions:, …)' }];
		this.kitSource = text;
		this.kit = data as Data;
		this.dirty = true;
		return [];
	}
}

const [getEditor, setEditor] = createContext<KitEditor>();
export { getEditor, setEditor };
