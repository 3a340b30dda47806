<?php
/*
 * One WordPress core, several sites: the site is chosen by KABAR_WP_SITE (SetEnv in its
 * Apache virtual host, the environment for command-line scripts).
 */
$kabar_site = $_SERVER['KABAR_WP_SITE'] ?? getenv('KABAR_WP_SITE');
$kabar_sites = json_decode(file_get_contents(__DIR__ . '/sites.json'), true);
if (!is_string($kabar_site) || !isset($kabar_sites[$kabar_site])) {
    header('HTTP/1.0 500 Internal Server Error');
    exit("unknown kabar test site\n");
}
$kabar = $kabar_sites[$kabar_site];
define('DB_NAME', $kabar['db']);
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', $kabar['db_host']);
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', $kabar['url']);
define('WP_SITEURL', $kabar['url']);
define('WP_CONTENT_DIR', $kabar['content_dir']);
define('WP_CONTENT_URL', $kabar['url'] . '/wp-content');
// No network but the loopback: no update checks, no cron requests to itself.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
