<?php
/*
 * Plugin Name: kabar test: REST API off
 * As "Disable REST API" plugins do: every REST request from a visitor answers 403.
 */
add_filter('rest_authentication_errors', function ($result) {
    if (!empty($result)) {
        return $result;
    }
    return new WP_Error('rest_disabled', 'The REST API is disabled on this site.', ['status' => 403]);
});
