// @inquirer/prompts, loaded only when a person is at the keyboard (it costs ~80 ms to load).
export { checkbox, confirm, select, Separator } from "@inquirer/prompts";
export { default as filterCheckbox } from "./filter-checkbox.js";
