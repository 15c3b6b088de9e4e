package com.example.meetup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A meetup app: people in groups see each other move on a map, agree on a meeting point,
 * see who is online and chat, each seeing only what they may.
 *
 * @author Entanglement
 */
@SpringBootApplication
public class MeetupApplication {

	public static void main(String[] args) {
		SpringApplication.run(MeetupApplication.class, args);
	}

}
