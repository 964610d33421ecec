/* "(similar: a, b)" suggestions, as upstream's levenshtein_suggest():
 * the best few candidates by a weighted edit distance (suggest.c). */
#ifndef SONDE_SUGGEST_H
#define SONDE_SUGGEST_H

#include "translator/arena.h"

struct suggest {
	struct arena *arena;         /* the text and names live here */
	const char *target;
	int max;
	int n;
	const char *names[8];
	unsigned scores[8];
};

void suggest_init(struct suggest *s, struct arena *a, const char *target, int max);
void suggest_add(struct suggest *s, const char *name);	/* in sorted order */
const char *suggest_text(struct suggest *s);	/* "a, b" or "" */
unsigned levenshtein(const char *a, const char *b);

#endif
