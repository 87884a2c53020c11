/** The join link and QR code shown to a class. */
import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';

/**
 * A teacher browsing at localhost still needs a link students' phones can reach: prefer
 * QUORUM_PUBLIC_URL, then this machine's first LAN address, then the request's own origin.
 */
export function publicOrigin(url: URL): string {
	if (process.env.QUORUM_PUBLIC_URL) return process.env.QUORUM_PUBLIC_URL.replace(/\/$/, '');
	if (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]') {
		for (const list of Object.values(networkInterfaces())) {
			for (const a of list ?? []) {
				if (a.family === 'IPv4' && !a.internal)
					return `${url.protocol}//${a.address}${url.port ? `:${url.port}` : ''}`;
			}
		}
	}
	return url.origin;
}

export async function joinInfo(url: URL, code: string) {
	const joinUrl = `${publicOrigin(url)}/room/${code}`;
	const qrSvg = await QRCode.toString(joinUrl, {
		type: 'svg',
		margin: 1,
		errorCorrectionLevel: 'M'
	});
	return { joinUrl, qrSvg };
}
