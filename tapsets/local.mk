# tapsets: nothing built here yet
