# tapsets/: installed into $(tapsetdir) (see tapsets/README.md).
EXTRA_DIST += tapsets/README.md
