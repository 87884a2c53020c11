import { describe, expect, it } from 'vitest';
import {
	htmlToText,
	markTerm,
	renderInline,
	renderReading,
	sanitize,
	slugify
} from '../../src/lib/server/kit/markdown';
import { findQuote, normalizeQuote } from '../../src/lib/kit/quotes';

describe('renderReading', () => {
	const body = [
		'# A heading',
		'',
		'First paragraph.',
		'',
		'Second *paragraph*, with a note.[^1]',
		'',
		'- a list item',
		'',
		'Third paragraph',
		'runs over two lines.'
	].join('\n');
	const blocks = renderReading(body);

	it('numbers body paragraphs 1…N with ids p-N and skips other blocks', () => {
		expect(blocks.map((b) => [b.anchor, b.n, b.kind])).toEqual([
			['b-1', null, 'other'],
			['p-1', 1, 'paragraph'],
			['p-2', 2, 'paragraph'],
			['b-2', null, 'other'],
			['p-3', 3, 'paragraph']
		]);
	});

	it('keeps inline markup and demotes h1 under the page title', () => {
		expect(blocks[0]?.html.trim()).toBe('<h2>A heading</h2>');
		expect(blocks[2]?.html).toContain('<em>paragraph</em>');
		expect(blocks[4]?.text).toBe('Third paragraph runs over two lines.');
	});

	it('links footnote references and leaves them out of the text', () => {
		expect(blocks[2]?.html).toContain('<sup class="fnref"><a href="#fn-1" id="fnref-1"');
		expect(blocks[2]?.text).toBe('Second paragraph, with a note.');
	});
});

describe('sanitizing', () => {
	const attacks: [string, string][] = [
		['script tag', 'Hello <script>alert(1)</script> world.'],
		['onerror attribute', 'An image <img src="x" onerror="alert(1)"> here.'],
		['javascript: URL', '[click](javascript:alert(1)) me.'],
		['event handler on a link', '<a href="https://example.org" onclick="alert(1)">x</a>'],
		['iframe', '<iframe src="https://evil.example"></iframe> text'],
		['style attribute', '<p style="position:fixed">covered</p>'],
		['upper-case tag', 'a <SCRIPT>alert(1)</SCRIPT> b']
	];

	it.each(attacks)('removes a %s from a reading paragraph', (_, md) => {
		const html = renderReading(md)
			.map((b) => b.html)
			.join('');
		expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|style=|<img/i);
	});

	it.each(attacks)('removes a %s from inline Markdown (captions, footnotes)', (_, md) => {
		expect(renderInline(md)).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|style=/i);
	});

	it('keeps safe links and formatting', () => {
		expect(sanitize('<a href="https://example.org" title="t">x</a> <strong>y</strong>')).toBe(
			'<a href="https://example.org" title="t">x</a> <strong>y</strong>'
		);
	});
});

describe('markTerm', () => {
	const def = 'A definition with <tags> & "quotes".';

	it('marks the first occurrence as a focusable link described by a tooltip', () => {
		const html = markTerm('<p>The Duma met. The Duma voted.</p>', 'Duma', 'duma', def);
		expect(html).toBe(
			'<p>The <span class="term"><a href="#g-duma" class="term-link" aria-describedby="gt-duma">Duma</a>' +
				'<span role="tooltip" id="gt-duma" class="term-tip">A definition with &lt;tags&gt; &amp; &quot;quotes&quot;.</span></span>' +
				' met. The Duma voted.</p>'
		);
	});

	it('matches whole words only', () => {
		expect(markTerm('ISIS and this', 'IS', 'is', def)).toBeNull();
		expect(markTerm('IS, or ISIS', 'IS', 'is', def)).toMatch(/^<span class="term">.*>IS<\/a>/);
	});

	it('never marks inside a tag, a link or an existing term', () => {
		expect(markTerm('<a href="#Duma">the Duma</a>', 'Duma', 'duma', def)).toBeNull();
		expect(markTerm('<abbr title="Duma">x</abbr>', 'Duma', 'duma', def)).toBeNull();
		const once = markTerm('Magnitsky Act', 'Magnitsky Act', 'magnitsky-act', def) ?? '';
		expect(markTerm(once, 'Magnitsky', 'magnitsky', def)).toBeNull();
	});

	it('escapes regular-expression characters in the form', () => {
		expect(markTerm('U.S. and USAS', 'U.S.', 'us', def)).toContain('>U.S.</a>');
		expect(markTerm('USAS', 'U.S.', 'us', def)).toBeNull();
	});

	it('returns null when the form is absent', () => {
		expect(markTerm('Nothing here.', 'Palmyra', 'palmyra', def)).toBeNull();
	});
});

describe('quote normalisation', () => {
	const cases: [string, string, string][] = [
		['curly double quotes', 'a “diplomatic victory” here', 'a "diplomatic victory" here'],
		['curly single quotes', 'Putin’s last term', "Putin's last term"],
		['dashes', 'one — two – three', 'one - two - three'],
		['no-break space and runs of whitespace', 'a\u00a0b \n\t c  ', 'a b c']
	];
	it.each(cases)('treats %s as the same', (_, a, b) => {
		expect(normalizeQuote(a)).toBe(normalizeQuote(b));
	});

	const targets = [
		{
			anchor: 'p-1',
			label: 'paragraph 1',
			text: 'Russia coveting an international “diplomatic victory”.'
		},
		{ anchor: 'p-2', label: 'paragraph 2', text: "Putin's last presidential term." }
	];

	it('finds a straight-quoted quote in curly-quoted text, and the reverse', () => {
		expect(findQuote('international "diplomatic victory"', targets)?.anchor).toBe('p-1');
		expect(findQuote('Putin’s last', targets)?.anchor).toBe('p-2');
		expect(findQuote("  Putin's\n  last  ", targets)?.anchor).toBe('p-2');
	});

	it('does not match paraphrase, other words or an empty quote', () => {
		expect(findQuote('Putin’s final term', targets)).toBeNull();
		expect(findQuote('   ', targets)).toBeNull();
	});
});

describe('helpers', () => {
	it('htmlToText strips tags and decodes entities', () => {
		expect(htmlToText('<p>A &amp; B &lt;C&gt; &#39;d&#39; &#8212; e</p>')).toBe(
			"A & B <C> 'd' — e"
		);
	});
	it('slugify makes stable ids', () => {
		expect(slugify('Islamic State (IS)')).toBe('islamic-state-is');
		expect(slugify('Ukraine Freedom Support Act')).toBe('ukraine-freedom-support-act');
	});
});
