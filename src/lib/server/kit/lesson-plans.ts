/**
 * Lesson plans resolved against their kit. The host page presets its item list from a plan's
 * `refs`, so a plan may only name items the kit has; every mistake is a kit error at its line.
 *
 * Invariants:
 * - A step names an item (`item`, plus `round` for a pair poll) or is an activity (`note` only).
 * - `refs` lists the plan's items in order, as the host form names them (`q:<id>`, `p:<id>`,
 *   `p:<id>:before|after`).
 * - The steps' minutes, where given, add up to no more than the plan's.
 */
import type { KitFile } from '../../kit/schema';
import type { LessonPlan, LoadedLessonStep, LoadedPoll, LoadedQuestion } from '../../kit/types';

type Path = (string | number)[];

export function resolveLessonPlans(
	plans: KitFile['lessonPlans'],
	questions: LoadedQuestion[],
	polls: LoadedPoll[],
	kitErr: (path: Path, message: string) => void
): LessonPlan[] {
	const names = new Set<string>();
	return plans.map((plan, i) => {
		const at: Path = ['lessonPlans', i];
		if (names.has(plan.name)) kitErr([...at, 'name'], `two lesson plans are named "${plan.name}"`);
		names.add(plan.name);
		const steps = plan.steps.map((step, j): LoadedLessonStep => {
			const path: Path = [...at, 'steps', j];
			const base = {
				minutes: step.minutes ?? null,
				note: step.note ?? null,
				round: step.round ?? null
			};
			if (!step.item) {
				if (!step.note) kitErr(path, 'needs an item (a question or poll id) or a note');
				if (step.round) kitErr([...path, 'round'], 'applies only to a step with a pair poll');
				return { ...base, ref: null, itemId: null, kind: null, prompt: null };
			}
			const q = questions.find((x) => x.id === step.item);
			const p = polls.find((x) => x.id === step.item);
			if (q) {
				if (step.round) kitErr([...path, 'round'], 'applies only to pair polls');
				return {
					...base,
					round: null,
					ref: `q:${q.id}`,
					itemId: q.id,
					kind: 'question',
					prompt: q.prompt
				};
			}
			if (p) {
				if (p.type === 'pair' && !step.round)
					kitErr([...path, 'item'], `"${p.id}" is a pair poll: add round: before or round: after`);
				if (p.type !== 'pair' && step.round)
					kitErr([...path, 'round'], 'applies only to pair polls');
				const round = p.type === 'pair' ? (step.round ?? 'before') : null;
				return {
					...base,
					round,
					ref: round ? `p:${p.id}:${round}` : `p:${p.id}`,
					itemId: p.id,
					kind: 'poll',
					prompt: p.prompt
				};
			}
			kitErr([...path, 'item'], `no question or poll has the id "${step.item}"`);
			return { ...base, ref: null, itemId: step.item, kind: null, prompt: null };
		});
		const planned = steps.reduce((n, s) => n + (s.minutes ?? 0), 0);
		if (planned > plan.minutes)
			kitErr(
				[...at, 'minutes'],
				`the steps add up to ${planned} minutes, more than the plan's ${plan.minutes}`
			);
		return {
			name: plan.name,
			minutes: plan.minutes,
			steps,
			refs: steps.flatMap((s) => (s.ref ? [s.ref] : []))
		};
	});
}
