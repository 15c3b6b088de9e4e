/**
 * Who is online, in which group, doing what.
 */
@NullMarked
package com.example.meetup.presence;

import org.jspecify.annotations.NullMarked;
