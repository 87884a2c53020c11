/** Parses YAML keeping enough of the source to name the line of any field path. */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

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
	const errors = doc.errors.map((e) => ({
		line: (e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line) + lineOffset,
		message: e.message.split('\n')[0] ?? e.message
	}));
	return { source: { doc, lines, lineOffset }, errors };
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
