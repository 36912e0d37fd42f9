// The console's callback page: hands the authorization's query to the console that opened it.
import { postCallbackToOpener } from "agentcore-identity-edge";

if (!postCallbackToOpener()) {
  const message = document.getElementById("message");
  if (message) message.textContent = "This page returns the authorization to the console that opened it; open the console first.";
}
