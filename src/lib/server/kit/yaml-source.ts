/** Parses YAML keeping enough of the source to name the line of any field path. */
import { isNode, LineCounter, parseDocument, type Document, type ErrorCode } from 'yaml';

export interface YamlSource {
	doc: Document;
	lines: LineCounter;
	/** Offset of the first line of this YAML inside its file (front matter starts after `---`). */
	lineOffset: number;
}

export function parseYaml(
	src: string,
	lineOffset = 0
): { source: YamlSource; errors: { line: number; message: string }[] } {
	const lines = new LineCounter();
	const doc = parseDocument(src, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
	// One error, at the first bad line: the parser's later errors are mostly echoes of the first.
	const first = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
	const errors = first
		? [
				{
					line:
						(openingQuoteLine(src, first.message) ??
							first.linePos?.[0]?.line ??
							lines.linePos(first.pos[0]).line) + lineOffset,
					message: plainYamlError(first.code, first.message)
				}
			]
		: [];
	return { source: { doc, lines, lineOffset }, errors };
}

/**
 * An unclosed quote is reported where the parser gave up (often the end of the file); the line
 * to fix is the one where the quoted value opens, the first whose quote marks do not pair up.
 */
function openingQuoteLine(src: string, message: string): number | undefined {
	const m = /Missing closing (["'])quote/.exec(message);
	if (!m) return undefined;
	const mark = m[1];
	const at = src.split('\n').findIndex((line) => {
		const value = /^\s*(?:-\s+)?(?:[^\s:#][^:#]*:\s+)?(.*)$/.exec(line)?.[1] ?? '';
		if (!value.startsWith(mark ?? '')) return false;
		const body = mark === "'" ? value.replace(/''/g, '') : value.replace(/\\./g, '');
		return (body.split(mark ?? '').length - 1) % 2 === 1;
	});
	return at >= 0 ? at + 1 : undefined;
}

/** The YAML parser's error, in words for someone writing a kit by hand. */
export function plainYamlError(code: ErrorCode, message: string): string {
	if (/Nested mappings/.test(message))
		return 'a colon followed by a space inside a value: put the whole value in quotes (or, if the next line belongs to another field, line it up with the fields above)';
	if (/Sequence item without - indicator/.test(message))
		return 'this line is indented like a list item but has no "- ": line it up with the other fields of its item';
	if (/Missing closing .?quote/.test(message))
		return 'a quote mark opened here is never closed: close it at the end of the value';
	switch (code) {
		case 'BLOCK_AS_IMPLICIT_KEY':
		case 'MULTILINE_IMPLICIT_KEY':
			if (/flow/i.test(message)) return 'a list in [ ] or { } is never closed';
			return 'this line is not a `key: value` pair where one was expected: check its indentation, or put quotes around a value that runs over several lines';
		case 'BAD_INDENT':
			return 'the indentation is off: entries of one list or one block must start at the same column';
		case 'TAB_AS_INDENT':
			return 'indent with spaces, not tabs';
		case 'MISSING_CHAR':
			return /\]|\}|flow/i.test(message)
				? 'a list in [ ] or { } is never closed'
				: `something is missing here (${firstLine(message)})`;
		case 'DUPLICATE_KEY':
			return 'this field appears twice in the same entry: keep one';
		case 'BAD_DQ_ESCAPE':
			return 'a backslash inside double quotes starts an escape: use single quotes around this value';
		case 'BAD_SCALAR_START':
			return 'a value cannot start with this character: put the whole value in quotes';
		case 'UNEXPECTED_TOKEN':
		case 'BLOCK_IN_FLOW':
		default:
			if (/Nested mappings/.test(message))
				return 'a colon followed by a space inside a value: put the whole value in quotes';
			return `the YAML cannot be read here (${firstLine(message)}); a value with a colon, a # or a leading quote mark needs quotes around it`;
	}
}

function firstLine(message: string): string {
	return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** The line of the deepest node that exists along `path`. */
export function lineOf(source: YamlSource, path: (string | number)[]): number {
	for (let depth = path.length; depth >= 0; depth--) {
		const node: unknown = source.doc.getIn(path.slice(0, depth), true);
		if (isNode(node) && node.range) {
			return source.lines.linePos(node.range[0]).line + source.lineOffset;
		}
	}
	return 1 + source.lineOffset;
}

/** `questions[3].answer` from `['questions', 3, 'answer']`. */
export function formatPath(path: (string | number)[]): string {
	return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
