/**
 * Who may sign in and how.
 */
@NullMarked
package com.example.meetup.security;

import org.jspecify.annotations.NullMarked;
