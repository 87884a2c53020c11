/**
 * The kit library: every folder under the kits directory, loaded from disk at start (and again
 * on change in development). A broken kit is listed with its errors; the others are served.
 */
import { readdirSync, existsSync, statSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrokenKit, Kit, KitSummary } from '../../kit/types';
import { KitError, loadKit } from './loader';

export interface KitLibrary {
	readonly dir: string;
	get(slug: string): Kit | undefined;
	list(): Kit[];
	broken(): BrokenKit[];
	reload(): void;
	/** Reloads on file changes until the returned function is called. */
	watch(): () => void;
}

export function kitsDir(): string {
	return resolve(process.env.QUORUM_KITS ?? 'quizzes');
}

export function createKitLibrary(dir = kitsDir()): KitLibrary {
	let kits = new Map<string, Kit>();
	let broken: BrokenKit[] = [];

	function reload() {
		const next = new Map<string, Kit>();
		const bad: BrokenKit[] = [];
		const slugs = existsSync(dir)
			? readdirSync(dir)
					.filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
					.sort()
			: [];
		for (const slug of slugs) {
			if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
				bad.push({
					slug,
					errors: [`${slug}: folder names must be lowercase letters, digits and dashes`]
				});
				continue;
			}
			try {
				next.set(slug, loadKit(join(dir, slug), slug));
			} catch (e) {
				if (e instanceof KitError) bad.push({ slug, errors: e.errors });
				else bad.push({ slug, errors: [`${slug}: ${(e as Error).message}`] });
			}
		}
		kits = next;
		broken = bad;
	}
	reload();

	return {
		dir,
		get: (slug) => kits.get(slug),
		list: () => [...kits.values()],
		broken: () => broken,
		reload,
		watch() {
			if (!existsSync(dir)) return () => {};
			let timer: ReturnType<typeof setTimeout> | undefined;
			const watcher = watch(dir, { recursive: true }, () => {
				clearTimeout(timer);
				timer = setTimeout(reload, 150);
			});
			return () => {
				clearTimeout(timer);
				watcher.close();
			};
		}
	};
}

export function summarize(kit: Kit): KitSummary {
	const count = <T extends string>(types: T[]) =>
		types.reduce<Partial<Record<T, number>>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});
	return {
		slug: kit.slug,
		title: kit.meta.title,
		author: kit.meta.author,
		published: kit.meta.published,
		publisher: kit.meta.publisher ?? null,
		kind: kit.meta.kind,
		readingMinutes: kit.readingMinutes,
		readability: kit.readability,
		questions: count(kit.questions.map((q) => q.type)),
		polls: count(kit.polls.map((p) => p.type)),
		glossary: kit.glossary.length,
		keyPoints: kit.keyPoints.length
	};
}
