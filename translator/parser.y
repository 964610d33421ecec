/* The SystemTap grammar of spec/language.md §3, one level per precedence
 * step of §3.7.1 so the tree matches upstream's recursive descent.  Optional
 * semicolons make the grammar greedy (an expression statement continues
 * while it can), which bison's default shift gives; %expect counts those. */
%code requires {
#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/preproc.h"

/* How the current top-level item ends after an error (parse.c resumes). */
enum abort_mode { ABORT_NONE, ABORT_SKIP, ABORT_NOSKIP };

struct parser {
	struct arena *arena;
	struct diags *diags;
	struct preproc *pp;
	const struct source *src;
	struct stapfile *file;
	bool in_function;
	enum abort_mode abort_mode;
	const struct token *pending;  /* token to read again after an abort */
	const struct token *last;     /* last token read */
	const struct token *before_last, *before_before;
	bool at_item_start;           /* the next token starts a top-level item */
	struct strset global_names;   /* of this file, for duplicates */
	const struct token *cond_close;  /* ')' of the last probe condition */
	bool nonempty;                /* some top-level item was started */
	bool print_args;              /* innermost '(' opened a print-family call */
	unsigned char parens[256];    /* per open '(': 1 if a print-family call */
	int nparens;
};

/* A location is the first token of what was matched. */
#define YYLTYPE const struct token *
#define YYLLOC_DEFAULT(cur, rhs, n) \
	((cur) = (n) ? YYRHSLOC(rhs, 1) : YYRHSLOC(rhs, 0))

/* A probe-point component sequence before brace groups are multiplied
 * out: a list of alternatives, each a list of components. */
struct pp_alts {
	struct ptrvec alts;           /* struct probe_point * */
};

/* A foreach sort marker after the array: sign and optional aggregate. */
struct fe_sort {
	int sort;
	const struct token *sign;
	const struct token *agg;
};
}

%code provides {
int yyparse(struct parser *P);
}

%code {
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "translator/build.h"

/* Deep nesting is legal (10,000 levels must parse); the cap only stops
 * runaway input before memory does. */
#define YYMAXDEPTH 500000

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *P);
static void yyerror(YYLTYPE *loc, struct parser *P, const char *msg);
}

%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%param { struct parser *P }
%expect 46

%union {
	const struct token *tok;
	struct expr *expr;
	struct stmt *stmt;
	struct ptrvec *vec;
	struct probe_point *pp;
	struct pp_alts *alts;
	struct global *global;
	struct function *func;
	struct param *param;
	struct probe *probe;
	int num;
	enum value_type type;
	struct fe_sort fsort;
}

%token <tok> IDENT DOLLAR_IDENT AT_WORD NUMBER STRING EMBEDDED JUNK
%token <tok> K_PROBE K_GLOBAL K_FUNCTION K_IF K_ELSE K_FOR K_FOREACH K_IN
%token <tok> K_LIMIT K_RETURN K_DELETE K_WHILE K_BREAK K_CONTINUE K_NEXT
%token <tok> K_STRING K_LONG K_TRY K_CATCH K_PRIVATE
%token <tok> OP_STATS "<<<" OP_USHR ">>>" OP_ASSIGN OP_CMP OP_REGEX
%token <tok> OP_AND "&&" OP_OR "||" OP_CREMENT OP_ARROW "->" OP_SHIFT
%token <tok> PP_IF "%(" PP_THEN "%?" PP_ELSE "%:" PP_END "%)"
%token <tok> PP_WORD PP_SUFFIX ABORT_TOK
%token <tok> AT_STAT AT_VARIANCE AT_HIST_LOG AT_HIST_LINEAR AT_CAST AT_VAR
%token <tok> AT_DEFINED AT_ENTRY AT_PROBEWRITE AT_PERF AT_CONST AT_ENUM
%token <tok> AT_ENUMNAME AT_REGISTER AT_DEREF
%token <tok> '{' '}' '(' ')' '[' ']' ',' ';' ':' '?' '!' '~' '+' '-' '*' '/'
%token <tok> '%' '&' '|' '^' '=' '.' '$' '@'

%precedence LOWER_THAN_ELSE
%precedence K_ELSE

%type <stmt> block statement simple_statement foreach_statement stmts
%type <expr> expr assignment ternary logor logand bitor bitxor bitand
%type <expr> inexpr comparison cmpchain shift concat concat_list additive
%type <expr> multiplicative unary crement postfix primary chain tbase pretty_chain
%type <expr> histop indexable string_lit literal opt_expr slot
%type <expr> global_init fe_array opt_limit
%type <vec> slots args opt_args params param_list fe_keys fe_keylist gvars
%type <vec> pp_list alias_head
%type <alts> component_seq component
%type <pp> probe_point
%type <global> gvar gvar_sized gvar_name
%type <func> function_def function_head
%type <param> param
%type <tok> member fname opt_catch_var
%type <tok> opt_bang
%type <tok> opt_sort
%type <type> opt_type type
%type <expr> opt_cond signed_num opt_priority
%type <stmt> opt_epilogue
%type <fsort> fe_sort
%type <tok> fe_agg sort_sign

%%

file:
	  %empty
	| file toplevel
	;

toplevel:
	  probe_def
	| global_decl
	| K_PRIVATE private_rest
	| function_def           { build_add_function(P, $1, false); }
	| EMBEDDED               { build_add_embed(P, $1); }
	;

private_rest:
	  K_GLOBAL gvars opt_semi          { build_add_globals(P, $2, true); }
	| gvars opt_semi                   { build_add_globals(P, $1, true); }
	| function_def                     { build_add_function(P, $1, true); }
	;

/* ---- globals ---- */

global_decl:
	  K_GLOBAL gvars opt_semi          { build_add_globals(P, $2, false); }
	;

gvars:
	  gvar                             { $$ = build_vec(P, $1); }
	| gvars ',' gvar                   { $$ = build_vec_push(P, $1, $3); }
	;

gvar:
	  gvar_sized
	| gvar_sized '=' global_init       { $$ = build_global_init(P, $1, $2, $3); }
	;

gvar_sized:
	  gvar_name
	| gvar_name '[' NUMBER ']'         { $$ = build_global_size(P, $1, $3); }
	;

gvar_name:
	  IDENT                            { $$ = build_global(P, $1); }
	| IDENT '%'                        { $$ = build_global(P, $1); $$->wrap = true; }
	;

global_init:
	  literal
	;

literal:
	  string_lit
	| signed_num
	;

signed_num:
	  NUMBER                           { $$ = build_number(P, $1, false); }
	| '-' NUMBER                       { $$ = build_number(P, $2, true); }
	;

string_lit:
	  STRING                           { $$ = build_string(P, $1); }
	| string_lit STRING                { $$ = build_string_append(P, $1, $2); }
	;

opt_semi:
	  %empty
	| ';'
	;

/* ---- functions ---- */

function_def:
	  function_head block              { $$ = $1; $$->body = $2; }
	| function_head EMBEDDED           { $$ = build_function_embedded(P, $1, $2); }
	;

function_head:
	  K_FUNCTION fname opt_type '(' params ')' opt_priority
	                                   { $$ = build_function(P, $2, $3, $5, $7); }
	;

fname:
	  IDENT
	| K_STRING
	| K_LONG
	;

opt_type:
	  %empty                           { $$ = TYPE_UNKNOWN; }
	| ':' type                         { $$ = $2; }
	;

type:
	  K_STRING                         { $$ = TYPE_STRING; }
	| K_LONG                           { $$ = TYPE_LONG; }
	;

opt_priority:
	  %empty                           { $$ = NULL; }
	| ':' NUMBER                       { $$ = build_number(P, $2, false); }
	;

params:
	  %empty                           { $$ = build_vec(P, NULL); }
	| param_list
	;

param_list:
	  param                            { $$ = build_vec(P, $1); }
	| param_list ',' param             { $$ = build_vec_push(P, $1, $3); }
	;

param:
	  IDENT opt_type                   { $$ = build_param(P, $1, $2); }
	;

/* ---- probes and aliases ---- */

probe_def:
	  K_PROBE pp_list block            { build_probe(P, $1, $2, $3); }
	| K_PROBE alias_head '=' pp_list block opt_epilogue
	                                   { build_alias(P, $1, $2, $4, false, $5, $6); }
	| K_PROBE alias_head OP_ASSIGN pp_list block opt_epilogue
	                                   { build_alias_epilogue(P, $1, $2, $3, $4, $5, $6); }
	;

opt_epilogue:
	  %empty                           { $$ = NULL; }
	| ',' block                        { $$ = $2; $$->tok = $1; /* errors point at the ',' */ }
	;

alias_head:
	  component_seq opt_bang           { $$ = build_alias_names(P, NULL, $1, $2); }
	| alias_head '=' component_seq opt_bang
	                                   { $$ = build_alias_names(P, $1, $3, $4); }
	;

pp_list:
	  probe_point                      { $$ = build_pp_list(P, NULL, $1); }
	| pp_list ',' probe_point          { $$ = build_pp_list(P, $1, $3); }
	;

probe_point:
	  component_seq opt_bang opt_cond  { $$ = build_probe_point(P, $1, $2, $3); }
	;

opt_bang:
	  %empty                           { $$ = NULL; }
	| '?'
	| '!'
	;

opt_cond:
	  %empty                           { $$ = NULL; }
	| K_IF '(' expr ')'                { $$ = $3; P->cond_close = $4; }
	;

component_seq:
	  component
	| component_seq '.' component      { $$ = build_pp_product(P, $1, $3); }
	;

component:
	  PP_WORD                          { $$ = build_component(P, $1, NULL); }
	| PP_WORD '(' literal ')'          { $$ = build_component(P, $1, $3); }
	| '{' pp_list '}'                  { $$ = build_component_group(P, $1, $2); }
	;

/* ---- statements ---- */

block:
	  '{' stmts '}'                    { $$ = $2; $$->tok = $1; }
	;

stmts:
	  %empty                           { $$ = build_stmt(P, S_BLOCK, NULL); }
	| stmts statement                  { $$ = $1; ptrvec_push(P->arena, &$$->stmts, $2); }
	;

statement:
	  ';'                              { $$ = build_stmt(P, S_NULL, $1); }
	| block
	| K_TRY block K_CATCH opt_catch_var block
	                                   { $$ = build_try(P, $1, $2, $4, $5); }
	| K_IF '(' expr ')' statement %prec LOWER_THAN_ELSE
	                                   { $$ = build_if(P, $1, $3, $5, NULL); }
	| K_IF '(' expr ')' statement K_ELSE statement
	                                   { $$ = build_if(P, $1, $3, $5, $7); }
	| K_WHILE '(' expr ')' statement   { $$ = build_for(P, $1, NULL, $3, NULL, $5); }
	| K_FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' statement
	                                   { $$ = build_for(P, $1, $3, $5, $7, $9); }
	| foreach_statement
	| simple_statement opt_semi
	;

opt_catch_var:
	  %empty                           { $$ = NULL; }
	| '(' IDENT ')'                    { $$ = $2; }
	;

opt_expr:
	  %empty                           { $$ = NULL; }
	| expr
	;

simple_statement:
	  K_RETURN                         { $$ = build_return(P, $1, NULL); }
	| K_RETURN expr                    { $$ = build_return(P, $1, $2); }
	| K_DELETE expr                    { $$ = build_expr_stmt(P, S_DELETE, $1, $2); }
	| K_NEXT                           { $$ = build_stmt(P, S_NEXT, $1); }
	| K_BREAK                          { $$ = build_stmt(P, S_BREAK, $1); }
	| K_CONTINUE                       { $$ = build_stmt(P, S_CONTINUE, $1); }
	| expr                             { $$ = build_expr_stmt(P, S_EXPR, $1->tok, $1); }
	;

foreach_statement:
	  K_FOREACH '(' fe_keys K_IN fe_array fe_sort opt_limit ')' statement
	                                   { $$ = build_foreach(P, $1, NULL, NULL, $3, $5, $6, $7, $9); }
	| K_FOREACH '(' IDENT opt_sort '=' fe_keys K_IN fe_array fe_sort opt_limit ')' statement
	                                   { $$ = build_foreach(P, $1, $3, $4, $6, $8, $9, $10, $12); }
	;

fe_keys:
	  IDENT opt_sort                   { $$ = build_vec(P, build_fe_key(P, $1, $2)); }
	| '[' fe_keylist ']'               { $$ = $2; }
	;

fe_keylist:
	  IDENT opt_sort                   { $$ = build_vec(P, build_fe_key(P, $1, $2)); }
	| fe_keylist ',' IDENT opt_sort    { $$ = build_vec_push(P, $1, build_fe_key(P, $3, $4)); }
	;

opt_sort:
	  %empty                           { $$ = NULL; }
	| sort_sign
	;

fe_array:
	  indexable                        { $$ = build_fe_array(P, $1, NULL); }
	| indexable '[' slots ']'          { $$ = build_fe_array(P, $1, $3); }
	;

fe_sort:
	  %empty                           { $$ = (struct fe_sort){ 0, NULL, NULL }; }
	| sort_sign                        { $$ = (struct fe_sort){ sort_sign($1), $1, NULL }; }
	| fe_agg sort_sign                 { $$ = (struct fe_sort){ sort_sign($2), $2, $1 }; }
	| fe_agg                           { build_error_saw(P, P->last, "expected sort directive"); $$ = (struct fe_sort){ 0, NULL, NULL }; }
	;

fe_agg:
	  AT_STAT
	| AT_VARIANCE
	;

sort_sign:
	  '+'
	| '-'
	;

opt_limit:
	  %empty                           { $$ = NULL; }
	| K_LIMIT expr                     { $$ = $2; }
	;

/* ---- expressions, lowest precedence first ---- */

expr:
	  assignment
	;

assignment:
	  ternary
	| ternary '=' assignment           { $$ = build_binary(P, E_ASSIGN, $1, $2, $3); }
	| ternary OP_ASSIGN assignment     { $$ = build_binary(P, E_ASSIGN, $1, $2, $3); }
	| ternary OP_STATS assignment      { $$ = build_binary(P, E_ASSIGN, $1, $2, $3); }
	;

ternary:
	  logor
	| logor '?' expr ':' ternary       { $$ = build_ternary(P, $1, $2, $3, $5); }
	;

logor:
	  logand
	| logor OP_OR logand               { $$ = build_binary(P, E_LOGICAL, $1, $2, $3); }
	;

logand:
	  bitor
	| logand OP_AND bitor              { $$ = build_binary(P, E_LOGICAL, $1, $2, $3); }
	;

bitor:
	  bitxor
	| bitor '|' bitxor                 { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

bitxor:
	  bitand
	| bitxor '^' bitand                { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

bitand:
	  inexpr
	| bitand '&' inexpr                { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

inexpr:
	  comparison
	| comparison K_IN indexable        { $$ = build_in(P, $2, build_vec(P, $1), false, $3); }
	| '[' slots ']' K_IN indexable     { $$ = build_in(P, $4, $2, true, $5); }
	;

indexable:
	  IDENT                            { $$ = build_symbol(P, $1); }
	| histop
	;

comparison:
	  cmpchain
	| cmpchain OP_REGEX string_lit     { $$ = build_binary(P, E_REGEX, $1, $2, $3); }
	;

cmpchain:
	  shift
	| cmpchain OP_CMP shift            { $$ = build_binary(P, E_COMPARE, $1, $2, $3); }
	;

shift:
	  concat
	| shift OP_SHIFT concat            { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	| shift OP_USHR concat             { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

concat:
	  additive
	| concat_list
	;

concat_list:
	  additive '.' additive            { $$ = build_concat(P, NULL, $2, $1, $3); }
	| concat_list '.' additive         { $$ = build_concat(P, $1, $2, NULL, $3); }
	;

additive:
	  multiplicative
	| additive '+' multiplicative      { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	| additive '-' multiplicative      { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

multiplicative:
	  unary
	| multiplicative '*' unary         { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	| multiplicative '/' unary         { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	| multiplicative '%' unary         { $$ = build_binary(P, E_BINARY, $1, $2, $3); }
	;

unary:
	  crement
	| '+' unary                        { $$ = build_unary(P, E_UNARY, $1, $2); }
	| '-' unary                        { $$ = build_unary(P, E_UNARY, $1, $2); }
	| '!' unary                        { $$ = build_unary(P, E_UNARY, $1, $2); }
	| '~' unary                        { $$ = build_unary(P, E_UNARY, $1, $2); }
	;

crement:
	  postfix
	| OP_CREMENT postfix               { $$ = build_unary(P, E_PREINC, $1, $2); }
	| postfix OP_CREMENT               { $$ = build_postinc(P, $1, $2); }
	;

postfix:
	  primary
	| pretty_chain
	| '&' pretty_chain                 { $$ = build_addressof(P, $1, $2); }
	| '&' primary                      { $$ = build_addressof(P, $1, $2); }
	;

pretty_chain:
	  chain
	| chain PP_SUFFIX                  { $$ = build_pretty(P, $1, $2); }
	| chain OP_ARROW PP_SUFFIX         { $$ = build_pretty(P, $1, $3); }
	;

chain:
	  tbase
	| primary OP_ARROW member          { $$ = build_member(P, build_autocast(P, $1), $2, $3); }
	| primary '[' expr ']'             { $$ = build_index_of(P, $1, $2, $3); }
	| chain OP_ARROW member            { $$ = build_member(P, $1, $2, $3); }
	| chain '[' expr ']'               { $$ = build_chain_index(P, $1, $2, $3); }
	;

member:
	  IDENT | K_PROBE | K_GLOBAL | K_FUNCTION | K_IF | K_ELSE | K_FOR
	| K_FOREACH | K_IN | K_LIMIT | K_RETURN | K_DELETE | K_WHILE | K_BREAK
	| K_CONTINUE | K_NEXT | K_STRING | K_LONG | K_TRY | K_CATCH | K_PRIVATE
	;

tbase:
	  DOLLAR_IDENT                     { $$ = build_dollar(P, $1); }
	| AT_CAST '(' expr ',' string_lit ')'
	                                   { $$ = build_cast(P, $1, $3, $5, NULL); }
	| AT_CAST '(' expr ',' string_lit ',' string_lit ')'
	                                   { $$ = build_cast(P, $1, $3, $5, $7); }
	| AT_VAR '(' string_lit ')'        { $$ = build_atvar(P, $1, $3, NULL); }
	| AT_VAR '(' string_lit ',' string_lit ')'
	                                   { $$ = build_atvar(P, $1, $3, $5); }
	;

primary:
	  NUMBER                           { $$ = build_number(P, $1, false); }
	| string_lit
	| '(' expr ')'                     { $$ = $2; }
	| EMBEDDED                         { $$ = build_embedded_expr(P, $1); }
	| IDENT                            { $$ = build_symbol(P, $1); }
	| IDENT '[' slots ']'              { $$ = build_array_index(P, $1, $3); }
	| IDENT '(' opt_args ')'           { $$ = build_call(P, $1, $3); }
	| AT_STAT '(' expr ')'             { $$ = build_statop(P, $1, $3, NULL); }
	| AT_VARIANCE '(' expr ')'         { $$ = build_statop(P, $1, $3, NULL); }
	| AT_VARIANCE '(' expr ',' signed_num ')'
	                                   { $$ = build_statop(P, $1, $3, $5); }
	| AT_VARIANCE '(' expr ',' signed_num ',' args ')'
	                                   { build_error_at(P, $6, "not more than 2 parameters allowed"); $$ = build_statop(P, $1, $3, $5); }
	| histop
	| AT_DEFINED '(' expr ')'          { $$ = build_at_unary(P, E_DEFINED, $1, $3); }
	| AT_ENTRY '(' expr ')'            { $$ = build_at_unary(P, E_ENTRY, $1, $3); }
	| AT_PROBEWRITE '(' IDENT ')'      { $$ = build_at_unary(P, E_PROBEWRITE, $1, build_symbol(P, $3)); }
	| AT_PERF '(' string_lit ')'       { $$ = build_at_string(P, E_PERF, $1, $3); }
	| AT_CONST '(' string_lit ')'      { $$ = build_at_string(P, E_CONST, $1, $3); }
	| AT_ENUM '(' string_lit ')'       { $$ = build_at_string(P, E_ENUM, $1, $3); }
	| AT_ENUMNAME '(' expr ')'         { $$ = build_enumname(P, $1, $3, NULL, NULL); }
	| AT_ENUMNAME '(' expr ',' string_lit ')'
	                                   { $$ = build_enumname(P, $1, $3, $5, NULL); }
	| AT_ENUMNAME '(' expr ',' string_lit ',' string_lit ')'
	                                   { $$ = build_enumname(P, $1, $3, $5, $7); }
	| AT_REGISTER '(' signed_num ')'   { $$ = build_register(P, $1, $3, NULL); }
	| AT_DEREF '(' signed_num ',' expr ')'
	                                   { $$ = build_register(P, $1, $3, $5); }
	| AT_WORD                          { $$ = build_unknown_at(P, $1); }
	;

histop:
	  AT_HIST_LOG '(' expr ')'         { $$ = build_histogram(P, $1, $3, NULL); }
	| AT_HIST_LINEAR '(' expr ',' signed_num ',' signed_num ',' signed_num ')'
	                                   { $$ = build_histogram(P, $1, $3, build_vec_push(P, build_vec_push(P, build_vec(P, $5), $7), $9)); }
	;

slots:
	  slot                             { $$ = build_vec(P, $1); }
	| slots ',' slot                   { $$ = build_vec_push(P, $1, $3); }
	;

slot:
	  expr
	| '*'                              { $$ = build_wildcard(P, $1); }
	;

opt_args:
	  %empty                           { $$ = build_vec(P, NULL); }
	| args
	;

args:
	  expr                             { $$ = build_vec(P, $1); }
	| args ',' expr                    { $$ = build_vec_push(P, $1, $3); }
	;

%%

static bool print_family_name(const char *s)
{
	if (*s == 's')
		s++;
	if (strncmp(s, "print", 5))
		return false;
	s += 5;
	return !*s || !strcmp(s, "f") || !strcmp(s, "ln") || !strcmp(s, "d") ||
	       !strcmp(s, "dln");
}

/* Which calls are open, for upstream's two wordings of "expected one of"
 * in argument lists. */
static void track_parens(struct parser *P, const struct token *t)
{
	if (t->type == '(') {
		bool print = P->last && P->last->type == IDENT &&
			     print_family_name(P->last->text);

		if (P->nparens < (int)sizeof(P->parens))
			P->parens[P->nparens] = print;
		P->nparens++;
	} else if (t->type == ')' && P->nparens > 0) {
		P->nparens--;
	}
	P->print_args = P->nparens > 0 && P->nparens <= (int)sizeof(P->parens) &&
			P->parens[P->nparens - 1];
}

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *P)
{
	const struct token *t;

	/* an action recorded an error: end this top-level item */
	if (P->abort_mode != ABORT_NONE) {
		lval->tok = *lloc = P->last;
		return ABORT_TOK;
	}
	if (P->pending) {
		t = P->pending;
		P->pending = NULL;
	} else {
		t = preproc_next(P->pp);
	}
	/* upstream calls a file empty when no item ever started */
	if (P->at_item_start && t->type != 0 && !t->pp_error)
		P->nonempty = true;
	P->at_item_start = false;
	track_parens(P, t);
	if (P->last && P->last->type == STRING)
		((struct token *)P->last)->next = t;
	P->before_before = P->before_last;
	P->before_last = P->last;
	P->last = t;
	lval->tok = t;
	*lloc = t;
	/* operators only the privileged may use stop the item at once */
	if (!P->src->privileged && (t->type == AT_CONST || t->type == AT_REGISTER ||
				    t->type == AT_DEREF)) {
		build_error_noskip(P, t, arena_printf(P->arena,
				   "using %s operator not permitted; need stap -g", t->text));
		return ABORT_TOK;
	}
	/* 'return' is legal only in function bodies; which kind of body we
	 * are in is known from the last top-level keyword */
	if (t->type == K_FUNCTION)
		P->in_function = true;
	else if (t->type == K_PROBE)
		P->in_function = false;
	return t->type;
}

/* Bison's own failures: only stack exhaustion reaches here. */
static void yyerror(YYLTYPE *loc, struct parser *P, const char *msg)
{
	build_error_at(P, *loc, "too deeply nested");
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parser *P)
{
	yysymbol_kind_t expected[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
	const struct token *t = *yypcontext_location(ctx);

	if (yypcontext_token(ctx) == YYSYMBOL_ABORT_TOK)
		return 0;
	/* resume at the token we stopped at: it may start the next item */
	P->pending = t;
	if (P->abort_mode == ABORT_NONE)
		build_syntax_error(P, t, yypcontext_token(ctx) == YYSYMBOL_YYEOF,
				   (const int *)expected, n < 0 ? 0 : n, *ctx->yyssp);
	return 0;
}

/* The name bison gives a symbol, for "expected one of" lists. */
const char *parser_symbol_name(int sym)
{
	return yysymbol_name((yysymbol_kind_t)sym);
}

int parser_symbol_kind(const char *what)
{
	if (!strcmp(what, "probe")) return YYSYMBOL_K_PROBE;
	if (!strcmp(what, "global")) return YYSYMBOL_K_GLOBAL;
	if (!strcmp(what, "number")) return YYSYMBOL_NUMBER;
	if (!strcmp(what, "string")) return YYSYMBOL_STRING;
	if (!strcmp(what, "ident")) return YYSYMBOL_IDENT;
	if (!strcmp(what, "word")) return YYSYMBOL_PP_WORD;
	return -1;
}
