"""Volunteer call-outs: CVEC asks the volunteers who fit for help, by text or email, each with
a personal link to answer; then deploys those coming, follows up, or closes the call-out."""
