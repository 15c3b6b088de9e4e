/**
 * People's locations, which each person owns.
 */
@NullMarked
package com.example.meetup.location;

import org.jspecify.annotations.NullMarked;
