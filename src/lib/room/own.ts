/**
 * Lookups by a key that came over the wire. A plain object answers `__proto__`, `constructor` or
 * `toString` with something it inherited; these answer only what the record itself holds.
 */
export function ownEntry<T>(
	record: Readonly<Record<string, T>>,
	key: string | number
): T | undefined {
	return Object.hasOwn(record, key) ? record[key] : undefined;
}
