/**
 * What people say in their groups.
 */
@NullMarked
package com.example.meetup.chat;

import org.jspecify.annotations.NullMarked;
