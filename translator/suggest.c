#include "translator/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "(similar: a, b)" suggestions, as upstream's levenshtein_suggest():
 * a weighted edit distance (substitution 2, or 1 when the letters differ
 * only in case; insertion and deletion 2; but the first row and column
 * count 1 per character), the best 'max' candidates by score, ties in
 * the order the candidates were offered (callers offer them sorted). */


unsigned levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned *prev = calloc(lb + 1, sizeof(*prev));
	unsigned *cur = calloc(lb + 1, sizeof(*cur));
	unsigned r;

	if (!prev || !cur)
		abort();
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub, del, ins, best;

			if (a[i - 1] == b[j - 1]) {
				cur[j] = prev[j - 1];
				continue;
			}
			sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) ==
					     tolower((unsigned char)b[j - 1]) ? 1 : 2);
			del = prev[j] + 2;
			ins = cur[j - 1] + 2;
			best = sub < del ? sub : del;
			cur[j] = best < ins ? best : ins;
		}
		unsigned *t = prev;

		prev = cur;
		cur = t;
	}
	r = prev[lb];
	free(prev);
	free(cur);
	return r;
}

void suggest_init(struct suggest *s, struct arena *a, const char *target, int max)
{
	memset(s, 0, sizeof(*s));
	s->arena = a;
	s->target = target;
	s->max = max > 8 ? 8 : max;
}

/* Keep the best 'max' (score, arrival) pairs in order. */
void suggest_add(struct suggest *s, const char *name)
{
	size_t lt = strlen(s->target), ln = strlen(name);
	unsigned min_score = lt > ln ? lt - ln : ln - lt;
	unsigned score;
	int i;

	if (!*name)
		return;
	if (s->n == s->max && min_score >= s->scores[s->n - 1])
		return;
	score = levenshtein(s->target, name);
	if (s->n == s->max && score >= s->scores[s->n - 1])
		return;
	i = s->n < s->max ? s->n++ : s->n - 1;
	for (; i > 0 && s->scores[i - 1] > score; i--) {
		s->scores[i] = s->scores[i - 1];
		s->names[i] = s->names[i - 1];
	}
	s->scores[i] = score;
	s->names[i] = arena_strdup(s->arena, name);
}

const char *suggest_text(struct suggest *s)
{
	char *text = arena_strdup(s->arena, "");

	for (int i = 0; i < s->n; i++)
		text = arena_printf(s->arena, "%s%s%s", text, i ? ", " : "",
				    s->names[i]);
	return text;
}

