"""A real WordPress (Debian's package, Apache with mod_php, MariaDB) for kabar's tests."""
