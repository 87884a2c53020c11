/**
 * What the browser needs of the wire's words without its schemas: the sentences for every error
 * and the nickname's length. Apart from `protocol.ts` so the student page does not carry
 * valibot's schemas for one sentence (the server sends each message with its error anyway).
 */
/** Characters (code points) in a nickname; `nickname.ts` refuses more with `nickname_long`. */
export const MAX_NICKNAME = 24;
/** Said by the page before sending (the student page needs only this sentence of the map). */
export const NICKNAME_LONG = `That nickname is too long: use at most ${MAX_NICKNAME} characters.`;

/** Human sentences for every error a client may receive. */
export const ERROR_MESSAGES: Record<string, string> = {
	invalid_payload: 'That request was not understood. Please reload the page.',
	no_room: 'There is no session with that code. Check the code on the board.',
	room_locked: 'The teacher has locked this session; ask them to let you in.',
	room_ended: 'This session has ended.',
	nickname_taken: 'Someone in this session already uses that nickname. Try another.',
	nickname_blocked: 'Please choose a different nickname.',
	nickname_empty: 'Type a nickname with letters or digits you can see.',
	nickname_long: NICKNAME_LONG,
	join_check:
		'Type the 4-digit check shown on the board under the session code (it changes every few seconds).',
	device_joined:
		'This device has already joined this homework. Go back to it under your first nickname.',
	text_blocked:
		'Your text was not accepted because it contains language that is not allowed. Please rephrase it.',
	bad_token: 'We could not find your place in this session. Join again with a nickname.',
	removed: 'The teacher removed you from this session.',
	not_host: 'Only the teacher’s controls can do that.',
	not_screen: 'Open the projector view from the link in the teacher’s controls.',
	already_joined: 'You have already joined this session on this page.',
	bad_resume: 'That resume code does not match anyone in this session. Check it and try again.',
	room_full: 'This session is full.',
	not_joined: 'Join the session first.',
	not_participant: 'That student is not in this session.',
	bad_phase: 'That cannot be done at this point of the session.',
	wrong_item: 'That question is no longer open.',
	question_closed: 'Answers for this question are closed.',
	time_up: 'Time is up for this question.',
	paused: 'The teacher has paused the session; try again when it resumes.',
	already_answered: 'Your answer was already recorded.',
	wrong_type: 'That answer does not fit this question.',
	invalid_response: 'That answer is incomplete or not valid.',
	not_found: 'That response is not available.',
	own_response: 'You cannot upvote your own response.',
	already_upvoted: 'You already upvoted that response.',
	rate_limited: 'Too many requests; slow down a little.',
	too_many_attempts: 'Too many wrong codes from your network.',
	too_many_joins: 'Too many players joined from your network just now.',
	bad_request: 'That request was not understood. Please reload the page.',
	unknown_event: 'That request was not understood. Please reload the page.',
	moved: 'The room is moving to another server; try again in a moment.',
	uncertain:
		'The server went away before saying whether that was done. Check the screen before trying again.',
	internal: 'Something went wrong on the server. Please try again.'
};
