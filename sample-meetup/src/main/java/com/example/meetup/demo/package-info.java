/**
 * The demo's groups, people and places, and the simulator that keeps the map alive.
 */
@NullMarked
package com.example.meetup.demo;

import org.jspecify.annotations.NullMarked;
