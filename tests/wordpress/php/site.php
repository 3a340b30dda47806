<?php
/*
 * Builds and changes one test WordPress through WordPress's own API, as an editor's
 * actions would: kabar's tests must not write WordPress's tables themselves.
 *
 * Usage: KABAR_WP_SITE=<name> php site.php <wordpress dir> < operations.json
 * Reads a JSON list of operations on stdin, prints a JSON list of results.
 */

$root = rtrim($argv[1], '/');
$ops = json_decode(stream_get_contents(STDIN), true);
if (!is_array($ops)) {
    fwrite(STDERR, "site.php: stdin is not a JSON list of operations\n");
    exit(2);
}
$installing = count($ops) > 0 && $ops[0]['op'] === 'install';
if ($installing) {
    define('WP_INSTALLING', true);
}
$_SERVER['HTTP_HOST'] = parse_url(getenv('KABAR_WP_URL'), PHP_URL_HOST) . ':'
    . parse_url(getenv('KABAR_WP_URL'), PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';

function kabar_term_ids(array $names, string $taxonomy): array {
    $ids = [];
    foreach ($names as $name) {
        $term = term_exists($name, $taxonomy);
        if (!$term) {
            $term = wp_insert_term($name, $taxonomy);
        }
        $ids[] = (int) (is_array($term) ? $term['term_id'] : $term);
    }
    return $ids;
}

function kabar_post_info(int $id): array {
    $post = get_post($id);
    return [
        'id' => $id,
        'status' => $post->post_status,
        'type' => $post->post_type,
        'title' => $post->post_title,
        'link' => get_permalink($id),
        'password' => $post->post_password !== '',
        'date_gmt' => $post->post_date_gmt,
    ];
}

$out = [];
foreach ($ops as $op) {
    switch ($op['op']) {
        case 'install':
            $result = wp_install($op['title'], 'admin', 'admin@example.test', true, '', 'kabar-test');
            // The starter content is not the site's: a one-line post, a sample page.
            wp_delete_post(1, true);
            $out[] = ['user_id' => $result['user_id']];
            break;
        case 'option':
            update_option($op['name'], $op['value']);
            $out[] = null;
            break;
        case 'theme':
            switch_theme($op['stylesheet']);
            $out[] = get_stylesheet();
            break;
        case 'permalinks':
            global $wp_rewrite;
            $wp_rewrite->set_permalink_structure($op['structure']);
            flush_rewrite_rules(true);
            $out[] = get_option('permalink_structure');
            break;
        case 'user':
            $id = wp_insert_user([
                'user_login' => $op['login'],
                'user_pass' => 'kabar-test',
                'display_name' => $op['display_name'],
                'role' => 'author',
            ]);
            if (is_wp_error($id)) {
                fwrite(STDERR, $id->get_error_message() . "\n");
                exit(1);
            }
            $out[] = $id;
            break;
        case 'post':
            $post = [
                'post_type' => $op['type'] ?? 'post',
                'post_title' => $op['title'],
                'post_content' => $op['content'],
                'post_status' => $op['status'] ?? 'publish',
                'post_author' => $op['author'] ?? 1,
                'post_password' => $op['password'] ?? '',
                'comment_status' => 'open',
            ];
            if (isset($op['date'])) {  // site-local time
                $post['post_date'] = $op['date'];
                $post['post_date_gmt'] = get_gmt_from_date($op['date']);
            }
            if (isset($op['categories'])) {
                $post['post_category'] = kabar_term_ids($op['categories'], 'category');
            }
            if (isset($op['tags'])) {
                $post['tags_input'] = $op['tags'];
            }
            if (($op['type'] ?? 'post') === 'attachment') {
                $post['post_mime_type'] = 'image/jpeg';
                $post['post_parent'] = $op['parent'] ?? 0;
                $post['guid'] = content_url('/uploads/' . sanitize_title($op['title']) . '.jpg');
                $id = wp_insert_attachment($post, false, $post['post_parent'], true);
            } else {
                $id = wp_insert_post($post, true);
            }
            if (is_wp_error($id)) {
                fwrite(STDERR, $id->get_error_message() . "\n");
                exit(1);
            }
            if (!empty($op['sticky'])) {
                stick_post($id);
            }
            foreach ($op['comments'] ?? [] as $i => $text) {
                wp_insert_comment([
                    'comment_post_ID' => $id,
                    'comment_author' => 'Pembaca ' . ($i + 1),
                    'comment_author_email' => 'pembaca' . ($i + 1) . '@example.test',
                    'comment_content' => $text,
                    'comment_approved' => 1,
                ]);
            }
            $out[] = kabar_post_info($id);
            break;
        case 'update':
            $changes = ['ID' => $op['id']];
            foreach (['title' => 'post_title', 'content' => 'post_content'] as $key => $field) {
                if (isset($op[$key])) {
                    $changes[$field] = $op[$key];
                }
            }
            $id = wp_update_post($changes, true);
            if (is_wp_error($id)) {
                fwrite(STDERR, $id->get_error_message() . "\n");
                exit(1);
            }
            $out[] = kabar_post_info($id);
            break;
        case 'trash':
            wp_trash_post($op['id']);
            $out[] = kabar_post_info($op['id']);
            break;
        case 'posts':  // what WordPress itself holds, for the tests' truth
            $ids = get_posts([
                'post_type' => 'any',
                'post_status' => 'any',
                'numberposts' => -1,
                'fields' => 'ids',
            ]);
            $out[] = array_map('kabar_post_info', $ids);
            break;
        default:
            fwrite(STDERR, "site.php: unknown operation {$op['op']}\n");
            exit(2);
    }
}
echo json_encode($out);
