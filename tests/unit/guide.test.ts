import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readingView } from '../../src/lib/reading/view';
import { guideView } from '../../src/lib/server/guide';
import { createKitLibrary } from '../../src/lib/server/kit/registry';
import { toStudyKit } from '../../src/lib/study/study-kit';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;

describe('the teacher guide view', () => {
	const g = guideView(kit);
	it('lists every item with its key, explanation, evidence anchors and notes', () => {
		expect(g.questions.map((q) => q.id)).toEqual(kit.questions.map((q) => q.id));
		expect(g.polls.map((p) => p.id)).toEqual(kit.polls.map((p) => p.id));
		const seq = g.questions.find((q) => q.id === 'sequence-of-events')!;
		expect(seq.answer).toMatch(/^Putin proposes .* → .*Duma/);
		expect(seq.evidence[0]?.anchor).toMatch(/^p-\d+$/);
		expect(seq.notesHtml).toContain('3 October 2016');
		expect(g.questions.find((q) => q.id === 'new-baseline')!.answer).toMatch(/^B\. /);
	});
	it('carries the lesson plans, standards, paired texts and readability', () => {
		expect(g.lessonPlans.map((p) => [p.name, p.minutes])).toEqual([
			['30-minute lesson', 30],
			['45-minute lesson', 45]
		]);
		expect(g.lessonPlans[1]?.refs[0]).toBe('p:bold-or-self-defeating:before');
		expect(g.lessonPlans[1]?.refs.at(-2)).toBe('p:bold-or-self-defeating:after');
		expect(g.standards).toContain('CCSS.ELA-LITERACY.RI.9-10.6');
		expect(g.pairedTexts.length).toBeGreaterThanOrEqual(3);
		expect(g.pairedTexts.length).toBeLessThanOrEqual(5);
		expect(g.readability.words).toBeGreaterThan(700);
		expect(g.source).toBe('First published in The Moscow Times on 12 October 2016.');
	});
});

describe('SECURITY: item notes stay off student pages', () => {
	it('the reading and self-study pages get no notes', () => {
		for (const [page, data] of [
			['reading', readingView(kit)],
			['study', toStudyKit(kit)]
		] as const) {
			const json = JSON.stringify(data);
			expect(json, page).not.toContain('notesHtml');
			expect(json, page).not.toContain('"notes":"');
			expect(json, page).not.toContain('A sourcing question, not a memory test');
		}
	});
});
