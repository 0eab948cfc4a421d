//! httpd
