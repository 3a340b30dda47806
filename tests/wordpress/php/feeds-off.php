<?php
/*
 * Plugin Name: kabar test: feeds off
 * As "Disable Feeds" plugins do: no feed links in the head, and every feed URL sends
 * the visitor to the homepage.
 */
remove_action('wp_head', 'feed_links', 2);
remove_action('wp_head', 'feed_links_extra', 3);
function kabar_no_feed() {
    wp_redirect(home_url('/'), 301);
    exit;
}
foreach (['do_feed', 'do_feed_rdf', 'do_feed_rss', 'do_feed_rss2', 'do_feed_atom'] as $hook) {
    add_action($hook, 'kabar_no_feed', 1);
}
