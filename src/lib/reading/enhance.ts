/**
 * Progressive enhancement of the reading article, attached with `{@attach}`. Without it the page
 * is complete: numbers are plain `#p-N` links and glossary tips show on hover and focus.
 * With it:
 * - clicking a paragraph number also copies that paragraph's URL and announces it;
 * - a first tap on a glossary term shows its tip instead of jumping to the glossary (a second
 *   tap follows the link); mouse and keyboard keep ordinary link behaviour;
 * - a focused term scrolls its tip into view when it would open below the screen's edge;
 * - Escape dismisses a tip until the pointer or focus moves away (WCAG 1.4.13).
 */
import type { Attachment } from 'svelte/attachments';

export function enhanceReading(announce: (text: string) => void): Attachment<HTMLElement> {
	return (root) => {
		// The term link a touch has just landed on while it was not yet showing its tip.
		let tapped: Element | null = null;

		const closest = (e: Event, selector: string) =>
			e.target instanceof Element ? e.target.closest(selector) : null;

		function onPointerDown(e: PointerEvent) {
			const link = closest(e, 'a.term-link');
			tapped = e.pointerType !== 'mouse' && link && document.activeElement !== link ? link : null;
			// On iOS a tap elsewhere does not blur the link, so the tip would never close.
			const active = document.activeElement;
			if (!closest(e, '.term') && active instanceof HTMLElement && active.matches('.term-link'))
				active.blur();
		}

		function onClick(e: MouseEvent) {
			const term = closest(e, 'a.term-link');
			if (term instanceof HTMLElement && term === tapped) {
				e.preventDefault();
				term.focus();
				revealTip(term);
				tapped = null;
				return;
			}
			const num = closest(e, 'a.pnum');
			if (num instanceof HTMLAnchorElement) copy(num.href, num.dataset.label ?? 'this paragraph');
		}

		function copy(url: string, label: string) {
			if (!navigator.clipboard) {
				announce(`The address bar now links to ${label}`);
				return;
			}
			navigator.clipboard.writeText(url).then(
				() => announce(`Link to ${label} copied`),
				() => announce(`The address bar now links to ${label}`)
			);
		}

		function onKeyDown(e: KeyboardEvent) {
			if (e.key !== 'Escape') return;
			for (const term of root.querySelectorAll('.term:hover, .term:focus-within'))
				term.classList.add('tip-dismissed');
		}

		function onMove(e: Event) {
			for (const term of root.querySelectorAll('.term.tip-dismissed')) {
				if (!(e.target instanceof Node && term.contains(e.target)))
					term.classList.remove('tip-dismissed');
			}
		}

		// Only for keyboard focus and taps: scrolling under a mouse press would swallow its click.
		function revealTip(link: Element) {
			link.parentElement?.querySelector('.term-tip')?.scrollIntoView({ block: 'nearest' });
		}

		function onFocusIn(e: FocusEvent) {
			onMove(e);
			const link = closest(e, 'a.term-link');
			if (link?.matches(':focus-visible')) revealTip(link);
		}

		document.addEventListener('pointerdown', onPointerDown);
		root.addEventListener('click', onClick);
		root.addEventListener('pointerover', onMove);
		root.addEventListener('focusin', onFocusIn);
		document.addEventListener('keydown', onKeyDown);
		return () => {
			document.removeEventListener('pointerdown', onPointerDown);
			root.removeEventListener('click', onClick);
			root.removeEventListener('pointerover', onMove);
			root.removeEventListener('focusin', onFocusIn);
			document.removeEventListener('keydown', onKeyDown);
		};
	};
}
