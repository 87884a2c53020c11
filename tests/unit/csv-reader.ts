/** For tests: a CSV reader written from RFC 4180, independent of the writer under test. */
/** An RFC 4180 reader written from the RFC, not from the writer: BOM, CRLF, quoted fields. */
export function readCsv(text: string): string[][] {
	if (!text.startsWith('\uFEFF')) throw new Error('no BOM');
	const s = text.slice(1);
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let i = 0;
	while (i < s.length) {
		if (s[i] === '"' && field === '') {
			i += 1;
			for (;;) {
				if (i >= s.length) throw new Error('unterminated quote');
				if (s[i] === '"' && s[i + 1] === '"') {
					field += '"';
					i += 2;
				} else if (s[i] === '"') {
					i += 1;
					break;
				} else field += s[i++];
			}
			if (s[i] !== ',' && s[i] !== '\r') throw new Error(`junk after a quote at ${i}`);
		} else if (s[i] === ',') {
			row.push(field);
			field = '';
			i += 1;
		} else if (s[i] === '\r' && s[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i += 2;
		} else if (s[i] === '\n' || s[i] === '\r' || s[i] === '"') {
			throw new Error(`bare ${JSON.stringify(s[i])} outside quotes at ${i}`);
		} else field += s[i++];
	}
	if (field !== '' || row.length) throw new Error('last record without CRLF');
	return rows;
}
