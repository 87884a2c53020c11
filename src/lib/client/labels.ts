/** Shared words for the room views. */
export const LETTERS = 'ABCDEFGH';
/** Shapes as well as letters and colours: colour is never the only signal. */
export const SHAPES = ['▲', '◆', '●', '■', '★', '⬟', '⬢', '✚'];
export const SCALE = [
	'Strongly disagree',
	'Disagree',
	'Neither agree nor disagree',
	'Agree',
	'Strongly agree'
];
export const PHASE_LABEL: Record<string, string> = {
	lobby: 'Waiting to start',
	open: 'Question open',
	closed: 'Answers closed',
	revealed: 'Answer revealed',
	leaderboard: 'Leaderboard',
	ended: 'Session ended'
};
export const TYPE_LABEL: Record<string, string> = {
	single: 'Choose one',
	multiple: 'Choose all that apply',
	truefalse: 'True or false',
	ordering: 'Put in order',
	short: 'Short answer',
	numeric: 'Number',
	scale: 'How far do you agree?',
	pair: 'How far do you agree?',
	choice: 'Poll',
	open: 'Your argument in one sentence',
	wordcloud: 'One word or short phrase',
	writing: 'Written response'
};
