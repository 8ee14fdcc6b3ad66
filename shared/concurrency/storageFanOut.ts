/**
 * How many storage (or ACS) calls one request keeps in flight when it fans out over many rows: enough
 * to hide round trips, few enough that a burst of requests does not open hundreds of sockets.
 */
export const storageFanOut = 8;
