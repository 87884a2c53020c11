/** Starting a session: resolves the teacher's picks against the kit and stores the new room. */
import { createRoom } from '../room/machine';
import type { RoomItem, Settings } from '../room/types';
import type { AppContext } from './context';
import { done, type Maybe } from './repository';
import { hashToken, newCode, newToken } from './tokens';
import { randomBytes } from 'node:crypto';

/** `q:<id>` for a question, `p:<id>` for a poll; a pair poll is `p:<id>:before` / `p:<id>:after`. */
export type ItemRef = string;

export class SessionInputError extends Error {}

export function resolveItems(ctx: AppContext, kitSlug: string, refs: ItemRef[]): RoomItem[] {
	const kit = ctx.kits.get(kitSlug);
	if (!kit) throw new SessionInputError(`There is no kit called "${kitSlug}".`);
	const items = refs.map((ref): RoomItem => {
		const [kind, id, round] = ref.split(':');
		if (kind === 'q') {
			const question = kit.questions.find((q) => q.id === id);
			if (question) return { kind: 'question', question };
		} else if (kind === 'p') {
			const poll = kit.polls.find((p) => p.id === id);
			if (poll && poll.type === 'pair' && (round === 'before' || round === 'after'))
				return { kind: 'poll', poll, round };
			if (poll && poll.type !== 'pair' && round === undefined)
				return { kind: 'poll', poll, round: null };
		}
		throw new SessionInputError(`"${ref}" is not an item of this kit.`);
	});
	if (items.length === 0) throw new SessionInputError('Pick at least one question or poll.');
	return items;
}

/** The kit's items in a sensible default order: pair polls bracket the questions and other polls. */
export function defaultItems(ctx: AppContext, kitSlug: string): ItemRef[] {
	const kit = ctx.kits.get(kitSlug);
	if (!kit) return [];
	const pairs = kit.polls.filter((p) => p.type === 'pair').map((p) => p.id);
	return [
		...pairs.map((id) => `p:${id}:before`),
		...kit.questions.map((q) => `q:${q.id}`),
		...kit.polls.filter((p) => p.type !== 'pair').map((p) => `p:${p.id}`),
		...pairs.map((id) => `p:${id}:after`)
	];
}

export function createSession(
	ctx: AppContext,
	input: { kitSlug: string; items: ItemRef[]; settings: Settings },
	now = Date.now()
): Maybe<{ code: string; hostToken: string }> {
	const kit = ctx.kits.get(input.kitSlug);
	if (!kit) throw new SessionInputError(`There is no kit called "${input.kitSlug}".`);
	const items = resolveItems(ctx, input.kitSlug, input.items);
	const hostToken = newToken();
	/** A fresh code (a taken one is drawn again), stored with the room. */
	const create = (code: string): Maybe<{ code: string; hostToken: string }> =>
		done(ctx.repo.codeExists(code), (taken) => {
			if (taken) return create(newCode());
			const state = createRoom({
				seed: randomBytes(16).toString('hex'),
				code,
				kitSlug: kit.slug,
				kitTitle: kit.meta.title,
				settings: input.settings,
				items,
				now
			});
			return done(ctx.repo.createSession(code, hashToken(hostToken), state), () => ({
				code,
				hostToken
			}));
		});
	return create(newCode());
}

/** The kit's items as the start form lists them, in the default order. */
export function itemChoices(ctx: AppContext, kitSlug: string) {
	const kit = ctx.kits.get(kitSlug);
	if (!kit) return [];
	return defaultItems(ctx, kitSlug).map((ref) => {
		const [kind, id, round] = ref.split(':');
		const q = kind === 'q' ? kit.questions.find((x) => x.id === id) : undefined;
		const p = kind === 'p' ? kit.polls.find((x) => x.id === id) : undefined;
		return {
			ref,
			kind,
			type: q?.type ?? p?.type ?? '',
			round: round ?? null,
			text: q?.prompt ?? p?.prompt ?? ''
		};
	});
}

/** A ready-made choice of items for /host: a kit's lesson plan (name, minutes, item refs). */
export interface SessionPreset {
	name: string;
	minutes: number;
	items: string[];
}

/**
 * The kit's lesson plans as presets for /host, in the plan's order. The loader already checked
 * every step names an item of the kit (`lesson-plans.ts`); refs the host form does not list are
 * still left out, so a preset never ticks an item that cannot be created.
 */
export function sessionPresets(ctx: AppContext, kitSlug: string): SessionPreset[] {
	const kit = ctx.kits.get(kitSlug);
	if (!kit) return [];
	const known = new Set(defaultItems(ctx, kitSlug));
	return kit.lessonPlans
		.map((plan) => ({
			name: plan.name,
			minutes: plan.minutes,
			items: [...new Set(plan.refs)].filter((ref) => known.has(ref))
		}))
		.filter((preset) => preset.items.length > 0);
}
