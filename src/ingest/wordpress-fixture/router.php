<?php
$_SERVER['WORDPRESS_CONFIG'] = 'wasim-test';
$root = '/usr/share/wordpress';
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = $root . $path;
if (is_dir($file)) $file = rtrim($file, '/') . '/index.php';
if (!file_exists($file)) $file = $root . '/index.php';
if (substr($file, -4) !== '.php') return false;
$_SERVER['SCRIPT_FILENAME'] = $file;
$_SERVER['SCRIPT_NAME'] = substr($file, strlen($root));
$_SERVER['PHP_SELF'] = $_SERVER['SCRIPT_NAME'];
chdir(dirname($file));
require $file;
