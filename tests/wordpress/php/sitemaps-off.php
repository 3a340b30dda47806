<?php
/*
 * Plugin Name: kabar test: sitemaps off
 * WordPress's own switch for its core sitemaps.
 */
add_filter('wp_sitemaps_enabled', '__return_false');
