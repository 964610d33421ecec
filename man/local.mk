# man: nothing built here yet
