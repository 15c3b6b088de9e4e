/**
 * Moves the people who are not online, so that the map is alive at once.
 */
@NullMarked
package com.example.meetup.simulator;

import org.jspecify.annotations.NullMarked;
