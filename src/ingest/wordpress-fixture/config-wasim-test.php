<?php
// Written by wasim's WordPress tests: the database comes from the server's environment.
define('DB_NAME', getenv('WASIM_WP_DB') ?: 'wasim_wp_test');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', getenv('WASIM_WP_DB_HOST') ?: '127.0.0.1:3306');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_CONTENT_DIR', getenv('WASIM_WP_CONTENT') ?: '/var/lib/wordpress/wp-content');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
if (isset($_SERVER['HTTP_HOST'])) { define('WP_HOME', 'http://' . $_SERVER['HTTP_HOST']); define('WP_SITEURL', 'http://' . $_SERVER['HTTP_HOST']); }
