/**
 * The raw kit.yaml editor (CodeMirror 6), for teachers who prefer the file. Loaded with a
 * dynamic import by the editor page only, so no student page carries it. Diagnostics come from
 * the YAML parser here and from the server's loader, each shown at its line.
 */
import { basicSetup, EditorView } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';

export interface LineProblem {
	line: number;
	message: string;
}

export interface YamlEditor {
	setDiagnostics(problems: LineProblem[]): void;
	destroy(): void;
}

export function mountYamlEditor(
	parent: HTMLElement,
	text: string,
	label: string,
	onchange: (text: string) => void
): YamlEditor {
	const view = new EditorView({
		doc: text,
		parent,
		extensions: [
			basicSetup,
			yaml(),
			// Long lines wrap and the editor grows with the file: the page scrolls, never a box
			// inside it (a scrolling box would need a tab stop of its own).
			EditorView.lineWrapping,
			lintGutter(),
			EditorView.contentAttributes.of({ 'aria-label': label }),
			EditorView.updateListener.of((u) => {
				if (u.docChanged) onchange(u.state.doc.toString());
			})
		]
	});
	return {
		setDiagnostics(problems) {
			const doc = view.state.doc;
			const diagnostics: Diagnostic[] = problems.map((p) => {
				const line = doc.line(Math.min(Math.max(1, p.line), doc.lines));
				return { from: line.from, to: line.to, severity: 'error', message: p.message };
			});
			view.dispatch(setDiagnostics(view.state, diagnostics));
		},
		destroy: () => view.destroy()
	};
}
