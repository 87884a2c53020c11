// A plain HTML form: nothing to hydrate, nothing to wait for on a slow phone.
export const csr = false;
