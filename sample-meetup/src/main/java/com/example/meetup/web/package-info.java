/**
 * The pages: sign-in, and the single page of the app.
 */
@NullMarked
package com.example.meetup.web;

import org.jspecify.annotations.NullMarked;
