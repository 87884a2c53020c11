/**
 * The projector's few sounds, made with Web Audio (no files to fetch): a note when an item opens,
 * a tick in each of the last three seconds, two notes at a reveal, a short run at the podium.
 * Only the projector page uses this, and only when the teacher has turned sound on; phones never
 * play anything. Browsers start audio only after a key press or click on the page: the projector
 * resumes it on the first one (a teacher pressing F11 for full screen is enough).
 */
export const TUNES = {
	open: [660],
	tick: [880],
	reveal: [523, 784],
	podium: [523, 659, 784, 1046]
} as const;

export class Chime {
	private ctx: AudioContext | null = null;

	private context(): AudioContext | null {
		if (typeof AudioContext === 'undefined') return null;
		this.ctx ??= new AudioContext();
		if (this.ctx.state === 'suspended') void this.ctx.resume();
		return this.ctx;
	}

	/** Wakes the audio on the page's first key press or click; returns the cleanup. */
	unlockOnGesture(): () => void {
		const wake = () => this.context();
		addEventListener('keydown', wake, { once: true });
		addEventListener('pointerdown', wake, { once: true });
		return () => {
			removeEventListener('keydown', wake);
			removeEventListener('pointerdown', wake);
			void this.ctx?.close();
			this.ctx = null;
		};
	}

	play(notes: readonly number[], step = 0.18) {
		const ctx = this.context();
		if (!ctx || ctx.state !== 'running') return;
		notes.forEach((hz, i) => {
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			const at = ctx.currentTime + i * step;
			osc.frequency.value = hz;
			gain.gain.setValueAtTime(0.0001, at);
			gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, at + step * 0.95);
			osc.connect(gain).connect(ctx.destination);
			osc.start(at);
			osc.stop(at + step);
		});
	}
}
