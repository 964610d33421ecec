# staprun: nothing built here yet
