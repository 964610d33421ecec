/* Node builders called from the grammar actions in parser.y, one per
 * grammar symbol they build, plus pass-1 checks that need the tree
 * (number ranges, print formats, privilege of embedded code). */
#ifndef SONDE_BUILD_H
#define SONDE_BUILD_H

#include "translator/parser.h"

struct ptrvec *build_vec(struct parser *P, void *first);
struct ptrvec *build_vec_push(struct parser *P, struct ptrvec *v, void *item);

void build_error_at(struct parser *P, const struct token *t, const char *msg);
void build_error_saw(struct parser *P, const struct token *t, const char *msg);
void build_error_noskip(struct parser *P, const struct token *t, const char *msg);
void build_syntax_error(struct parser *P, const struct token *t, bool at_eof,
			const int *expected, int n, int state);

/* top level */
void build_add_embed(struct parser *P, const struct token *code);
void build_add_globals(struct parser *P, struct ptrvec *globals, bool is_private);
void build_add_function(struct parser *P, struct function *f, bool is_private);
struct global *build_global(struct parser *P, const struct token *name);
struct global *build_global_size(struct parser *P, struct global *g,
				 const struct token *num);
struct global *build_global_init(struct parser *P, struct global *g,
				 const struct token *eq, struct expr *init);
struct function *build_function(struct parser *P, const struct token *name,
				enum value_type ret, struct ptrvec *params,
				struct expr *priority);
struct function *build_function_embedded(struct parser *P, struct function *f,
					 const struct token *code);
struct param *build_param(struct parser *P, const struct token *name,
			  enum value_type type);

/* probes */
void build_probe(struct parser *P, const struct token *kw, struct ptrvec *points,
		 struct stmt *body);
void build_alias(struct parser *P, const struct token *kw, struct ptrvec *names,
		 struct ptrvec *points, bool epilogue, struct stmt *body,
		 struct stmt *epilogue_body);
void build_alias_epilogue(struct parser *P, const struct token *kw,
			  struct ptrvec *names, const struct token *op,
			  struct ptrvec *points, struct stmt *body, struct stmt *second);
struct ptrvec *build_alias_names(struct parser *P, struct ptrvec *names,
				 struct pp_alts *alts, const struct token *bang);
struct ptrvec *build_pp_list(struct parser *P, struct ptrvec *list,
			     struct probe_point *pp);
struct probe_point *build_probe_point(struct parser *P, struct pp_alts *alts,
				      const struct token *bang, struct expr *cond);
struct pp_alts *build_pp_product(struct parser *P, struct pp_alts *a,
				 struct pp_alts *b);
struct pp_alts *build_component(struct parser *P, const struct token *word,
				struct expr *arg);
struct pp_alts *build_component_group(struct parser *P, const struct token *brace,
				      struct ptrvec *points);

/* statements */
struct stmt *build_stmt(struct parser *P, enum stmt_kind kind, const struct token *t);
/* a statement made of one expression: S_EXPR, S_DELETE */
struct stmt *build_expr_stmt(struct parser *P, enum stmt_kind kind,
			     const struct token *t, struct expr *e);
struct stmt *build_try(struct parser *P, const struct token *t, struct stmt *body,
		       const struct token *var, struct stmt *handler);
struct stmt *build_if(struct parser *P, const struct token *t, struct expr *cond,
		      struct stmt *then, struct stmt *otherwise);
struct stmt *build_for(struct parser *P, const struct token *t, struct expr *init,
		       struct expr *cond, struct expr *incr, struct stmt *body);
struct stmt *build_return(struct parser *P, const struct token *t, struct expr *e);
int sort_sign(const struct token *t);  /* '+' 1, '-' -1, none 0 */
struct foreach_key *build_fe_key(struct parser *P, const struct token *name,
				 const struct token *sort);
struct expr *build_fe_array(struct parser *P, struct expr *array, struct ptrvec *slots);
struct stmt *build_foreach(struct parser *P, const struct token *t,
			   const struct token *value, const struct token *value_sort,
			   struct ptrvec *keys, struct expr *array,
			   struct fe_sort sort, struct expr *limit, struct stmt *body);

/* expressions */
struct expr *build_number(struct parser *P, const struct token *t, bool negative);
struct expr *build_string(struct parser *P, const struct token *t);
struct expr *build_string_append(struct parser *P, struct expr *s,
				 const struct token *t);
struct expr *build_symbol(struct parser *P, const struct token *t);
struct expr *build_wildcard(struct parser *P, const struct token *t);
struct expr *build_binary(struct parser *P, enum expr_kind kind, struct expr *l,
			  const struct token *op, struct expr *r);
struct expr *build_ternary(struct parser *P, struct expr *c, const struct token *q,
			   struct expr *a, struct expr *b);
struct expr *build_concat(struct parser *P, struct expr *list, const struct token *op,
			  struct expr *first, struct expr *next);
struct expr *build_in(struct parser *P, const struct token *t, struct ptrvec *keys,
		      bool bracketed, struct expr *base);
struct expr *build_unary(struct parser *P, enum expr_kind kind,
			 const struct token *op, struct expr *e);
struct expr *build_postinc(struct parser *P, struct expr *e, const struct token *op);
struct expr *build_array_index(struct parser *P, const struct token *name,
			       struct ptrvec *slots);
struct expr *build_call(struct parser *P, const struct token *name, struct ptrvec *args);
struct expr *build_statop(struct parser *P, const struct token *t, struct expr *e,
			  struct expr *shift);
struct expr *build_histogram(struct parser *P, const struct token *t, struct expr *e,
			     struct ptrvec *params);
struct expr *build_embedded_expr(struct parser *P, const struct token *code);
struct expr *build_at_unary(struct parser *P, enum expr_kind kind,
			    const struct token *t, struct expr *e);
struct expr *build_at_string(struct parser *P, enum expr_kind kind,
			     const struct token *t, struct expr *s);
struct expr *build_enumname(struct parser *P, const struct token *t, struct expr *e,
			    struct expr *type, struct expr *module);
struct expr *build_register(struct parser *P, const struct token *t, struct expr *num,
			    struct expr *e);
struct expr *build_unknown_at(struct parser *P, const struct token *t);

/* target values */
struct expr *build_dollar(struct parser *P, const struct token *t);
struct expr *build_cast(struct parser *P, const struct token *t, struct expr *e,
			struct expr *type, struct expr *module);
struct expr *build_atvar(struct parser *P, const struct token *t, struct expr *name,
			 struct expr *module);
struct expr *build_autocast(struct parser *P, struct expr *e);
struct expr *build_member(struct parser *P, struct expr *chain,
			  const struct token *arrow, const struct token *member);
struct expr *build_index_of(struct parser *P, struct expr *e, const struct token *t,
			    struct expr *index);
struct expr *build_chain_index(struct parser *P, struct expr *chain,
			       const struct token *t, struct expr *index);
struct expr *build_pretty(struct parser *P, struct expr *chain,
			  const struct token *suffix);
struct expr *build_addressof(struct parser *P, const struct token *t,
			     struct expr *chain);

const char *parser_symbol_name(int sym);
enum stat_op stat_op_of(const char *name);  /* "count" -> STAT_COUNT */
int parser_symbol_kind(const char *what);

#endif
