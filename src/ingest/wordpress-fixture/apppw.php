<?php
$_SERVER['WORDPRESS_CONFIG'] = 'wasim-test';
$_SERVER['HTTP_HOST'] = getenv('WASIM_WP_HOST');
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-load.php';
$user = get_user_by('login', $argv[1]);
list($password, $item) = WP_Application_Passwords::create_new_application_password($user->ID, array('name' => 'wasim'));
echo json_encode(array('user' => $argv[1], 'password' => $password));
