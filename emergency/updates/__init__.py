"""Updates during an incident: CVEC sends a message to the contacts of the mutual-aid networks
active in it and to the members of the organisations running its hubs, by email and by text
where a UK mobile is known."""
