/**
 * The meetup application.
 */
@NullMarked
package com.example.meetup;

import org.jspecify.annotations.NullMarked;
