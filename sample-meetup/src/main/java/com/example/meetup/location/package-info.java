/**
 * People's locations, the synchronized state of the meetup.
 */
@NullMarked
package com.example.meetup.location;

import org.jspecify.annotations.NullMarked;
