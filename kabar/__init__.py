"""kabar: the command line and the jobs that span crawler, archive and feeds."""
