/** See build-server.js. */
export function buildServer(entry: string, outfile: string): Promise<void>;
