/**
 * The analysis worker's young generation, in MB (V8 splits it into three semi-spaces of a third
 * each: 32 MB, twice V8's default). A keystroke in a 1000-layer model allocates about 20 MB
 * while the model graph it builds stays live: with 16 MB semi-spaces a scavenge ran mid-keystroke
 * every time, copying the graph and promoting it to the old generation for full collections to
 * free. 300 late edits of the bench's 1003-layer chain took a third less time this way, and the
 * process's peak memory was no higher (less was promoted). `npm run bench` runs with the same.
 */
export const ANALYSIS_YOUNG_GENERATION_MB = 96;
