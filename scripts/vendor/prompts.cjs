// The six prompts src/ui/prompts.ts asks, in one file so that they share one @inquirer/core.
module.exports = {
  checkbox: require('@inquirer/checkbox').default,
  confirm: require('@inquirer/confirm').default,
  input: require('@inquirer/input').default,
  password: require('@inquirer/password').default,
  search: require('@inquirer/search').default,
  select: require('@inquirer/select').default,
};
