/**
 * A polite status message for a live region. The region stays in the DOM (empty) from the
 * first render, because screen readers only announce changes to a region they already know.
 */
export class Announcer {
	message = $state('');
	#timer: ReturnType<typeof setTimeout> | undefined;

	/** Shows `text` for a few seconds; repeating the same text announces it again. */
	say(text: string, ms = 4000): void {
		clearTimeout(this.#timer);
		this.message = '';
		// Clearing first, then setting on the next task, makes a repeated message a change.
		this.#timer = setTimeout(() => {
			this.message = text;
			this.#timer = setTimeout(() => (this.message = ''), ms);
		}, 30);
	}

	destroy(): void {
		clearTimeout(this.#timer);
	}
}
